// edgeAgent's reading of a module's log line (Azure/iotedge, edge-agent LogMessageParser.cs), to
// hold the agent's output to what GetModuleLogs filters on.

/** LogMessageParser's pattern, verbatim but for the syntax of JavaScript's named groups. */
export const EDGE_AGENT_LOG_PATTERN =
  /^((?<dockerTimestamp>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z))?\s*(<(?<logLevel>\d)>)?\s*((?<timestamp>\d{4}-\d{2}-\d{2}\s\d{2}:\d{2}:\d{2}.\d{3}\s[+-]\d{2}:\d{2})\s)?\s*(?<logtext>.*)/;

export interface ParsedLogLine {
  line: string;
  /** Syslog severity as edgeAgent reads it; undefined where it would fall back to its default, 6. */
  logLevel: number | undefined;
  timestamp: string | undefined;
  logText: string;
}

export function parseLogLines(text: string): ParsedLogLine[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const groups = EDGE_AGENT_LOG_PATTERN.exec(line)?.groups ?? {};
      return { line, logLevel: groups.logLevel === undefined ? undefined : Number(groups.logLevel), timestamp: groups.timestamp, logText: groups.logtext ?? '' };
    });
}
