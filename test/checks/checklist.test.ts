import { describe, expect, it } from 'vitest';
import { CHECKLIST_URL, checklistLink, cite } from '../../src/checks/checklist.js';

describe('checklist citations', () => {
  it('link each item to its section the way Microsoft Learn names anchors', () => {
    expect(checklistLink('Manage volumes')).toBe(`${CHECKLIST_URL}#manage-volumes`);
    expect(checklistLink("Don't optimize for performance on constrained devices")).toBe(`${CHECKLIST_URL}#dont-optimize-for-performance-on-constrained-devices`);
    expect(checklistLink('Tags for the IoT Edge runtime')).toBe(`${CHECKLIST_URL}#tags-for-the-iot-edge-runtime`);
  });

  it('name and link every item cited, in order', () => {
    expect(cite('Manage volumes', 'Set up default logging driver')).toBe(
      `production checklist: "Manage volumes" (${CHECKLIST_URL}#manage-volumes), "Set up default logging driver" (${CHECKLIST_URL}#set-up-default-logging-driver)`,
    );
  });
});
