// The IoT Edge production checklist items that fixes cite, each with a link to its section.
export const CHECKLIST_URL = 'https://learn.microsoft.com/azure/iot-edge/production-checklist';

/** Section headings of the checklist, as it names them. */
export type ChecklistItem =
  | 'Install production certificates'
  | 'Use Moby as the container engine'
  | 'Be consistent with upstream protocol'
  | 'Set up host storage for system modules'
  | "Don't optimize for performance on constrained devices"
  | 'Disable unused protocols'
  | "Don't use debug versions of module images"
  | 'Configure how updates to modules are applied'
  | 'Use tags to manage versions'
  | 'Tags for the IoT Edge runtime'
  | 'Manage volumes'
  | 'Configure image garbage collection'
  | 'Set up default logging driver'
  | 'Limit container access to host resources'
  | 'Reduce storage time for messages'
  | 'Networking'
  | 'Allow connections from IoT Edge devices'
  | 'Configure communication through a proxy';

/** `production checklist: "Manage volumes" (<link>)`, for the text of a fix. */
export function cite(...items: [ChecklistItem, ...ChecklistItem[]]): string {
  return `production checklist: ${items.map((item) => `"${item}" (${checklistLink(item)})`).join(', ')}`;
}

/** The section's anchor as Microsoft Learn makes it: lower case, punctuation dropped, spaces as dashes. */
export function checklistLink(item: string): string {
  const anchor = item.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');
  return `${CHECKLIST_URL}#${anchor}`;
}
