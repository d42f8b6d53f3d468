// What a source is: a name, the sources it runs after, and a collect function. Sources are
// declared one after another on a SourceList, so each collect function sees the typed values
// of the sources declared before it (an array literal cannot type that).
import type { Note, SourceRun } from './run-source.js';

export interface SourceInput<Options, Needed, Used> {
  options: Options;
  /** The values of the sources in `needs`: all of them worked. */
  needed: Needed;
  /** The runs of the sources in `uses`, whether they worked or not. */
  used: Used;
  /** Fires at the source's deadline: stop the I/O. */
  signal: AbortSignal;
  note: Note;
}

/** A source as the runner sees it, types erased. */
export interface Source<Options> {
  name: string;
  needs: readonly string[];
  uses: readonly string[];
  /** Why the source is not run at all (turned off), if it is not. */
  skip?: (options: Options) => string | undefined;
  collect(input: SourceInput<Options, Record<string, unknown>, Record<string, SourceRun<unknown>>>): Promise<unknown>;
  /** What the snapshot keeps of the value: plain JSON. */
  keep(value: unknown): unknown;
}

export interface SourceDeclaration<Options, Values, Name extends string, Needs extends keyof Values, Uses extends keyof Values, Value, Kept> {
  name: Name;
  /** Sources that must have worked: when one failed, this one is not run and carries its reason. */
  needs?: readonly Needs[];
  /** Sources waited for and handed over as they came out, failed ones included. */
  uses?: readonly Uses[];
  skip?: (options: Options) => string | undefined;
  collect(input: SourceInput<Options, Pick<Values, Needs>, { [K in Uses]: SourceRun<Values[K]> }>): Promise<Value>;
  /** What the snapshot keeps, when the value is more than plain JSON (an engine connection, a Map). */
  keep?: (value: Value) => Kept;
}

/** An ordered list of sources; `Values` are what collect functions return, `Kept` what the snapshot keeps. */
export class SourceList<Options, Values = {}, Kept = {}> {
  /** Types only: what the snapshot keeps of each source. */
  declare readonly kept: Kept;

  private constructor(readonly sources: readonly Source<Options>[]) {}

  static of<Options>(): SourceList<Options> {
    return new SourceList([]);
  }

  add<Name extends string, Value, Keeps = Value, Needs extends keyof Values & string = never, Uses extends keyof Values & string = never>(
    declaration: SourceDeclaration<Options, Values, Name, Needs, Uses, Value, Keeps>,
  ): SourceList<Options, Values & Record<Name, Value>, Kept & Record<Name, Keeps>> {
    if (this.sources.some((source) => source.name === declaration.name)) throw new Error(`source ${declaration.name} is declared twice`);
    const source: Source<Options> = {
      name: declaration.name,
      needs: declaration.needs ?? [],
      uses: declaration.uses ?? [],
      skip: declaration.skip,
      collect: declaration.collect as Source<Options>['collect'],
      keep: (declaration.keep ?? ((value: Value) => value)) as Source<Options>['keep'],
    };
    return new SourceList([...this.sources, source]);
  }
}

/** The snapshot fields of a SourceList: one per source, null when it failed. */
export type KeptFields<List extends { kept: object }> = { [K in keyof List['kept']]: List['kept'][K] | null };
