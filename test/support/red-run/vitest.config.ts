// A run that must come out red though no test fails: the closing line's test runs vitest on it.
import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['*.fixture.ts'] } });
