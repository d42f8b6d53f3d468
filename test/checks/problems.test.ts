import { describe, expect, it } from 'vitest';
import { summariseProblems } from '../../src/checks/problems.js';

describe('summariseProblems', () => {
  it('takes the worst status, joins the texts in order, and says a fix shared by several once', () => {
    expect(
      summariseProblems([
        { status: 'warning', text: 'no memory limit', fix: 'Set limits.' },
        { status: 'error', text: 'was OOM-killed', fix: 'Raise the limit.' },
        { status: 'warning', text: 'no CPU limit', fix: 'Set limits.' },
      ]),
    ).toEqual({ status: 'error', text: 'no memory limit; was OOM-killed; no CPU limit', remediation: 'Set limits. Raise the limit.' });
  });

  it('is the one problem itself when there is one', () => {
    expect(summariseProblems([{ status: 'warning', text: 'runs privileged', fix: 'Drop Privileged.' }])).toEqual({ status: 'warning', text: 'runs privileged', remediation: 'Drop Privileged.' });
  });
});
