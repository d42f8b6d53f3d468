// What a collector notes although it worked (a state file it could not save or had to set aside)
// goes into every cycle's report; the module's log gets it once: when it first appears or changes,
// and once more when it clears, not once a cycle.
import type { Logger } from 'pino';
import type { SourceName, SourceStatus } from '../snapshot.js';

/** The sources whose notes are problems; volumeSizes' says how old its cache is, different every cycle. */
const PROBLEM_NOTES: readonly SourceName[] = ['diskHistory', 'certificates', 'containerLogs'];

export class SourceNoteLog {
  private readonly said = new Map<SourceName, string>();

  constructor(private readonly logger: Logger) {}

  afterCycle(sources: Record<SourceName, SourceStatus>): void {
    for (const source of PROBLEM_NOTES) {
      const status = sources[source];
      const before = this.said.get(source);
      // A source that failed this cycle says nothing either way: its note is not known.
      if (!status?.ok || status.note === before) continue;
      if (status.note) {
        this.said.set(source, status.note);
        this.logger.warn({ source, note: status.note }, 'collector note');
      } else {
        this.said.delete(source);
        this.logger.info({ source }, 'collector note cleared');
      }
    }
  }
}
