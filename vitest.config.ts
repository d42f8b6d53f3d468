import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The usual order, the container tests last: they wait for the emulated ARM bases that
 * scripts/test.sh makes in the background, so the other files run meanwhile.
 */
class ContainerTestsLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isContainer = (file: TestSpecification) => file.moduleId.includes('/test/container/');
    return [...sorted.filter((file) => !isContainer(file)), ...sorted.filter(isContainer)];
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/build-once.ts', 'test/support/hub/service-ca.ts'],
    // The real-engine tests share one engine: files run one after another so one file's
    // planted volumes and containers never show up in another's findings mid-run.
    fileParallelism: false,
    sequence: { sequencer: ContainerTestsLast },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
