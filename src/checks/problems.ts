// One subject, several things wrong with it (no memory limit, privileged, restarting): one finding.
import { worstStatus } from './status.js';
import type { Status } from './types.js';

export interface Problem {
  status: Status;
  /** What is wrong, as a clause of the finding's message. */
  text: string;
  /** How to fix it; problems sharing a fix say it once. */
  fix: string;
}

/** The worst status of the problems, their texts joined with "; ", and each distinct fix once. */
export function summariseProblems(problems: readonly Problem[]): { status: Status; text: string; remediation: string } {
  return {
    status: worstStatus(problems.map((p) => p.status)),
    text: problems.map((p) => p.text).join('; '),
    remediation: [...new Set(problems.map((p) => p.fix))].join(' '),
  };
}
