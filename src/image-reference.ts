/** An image reference's parts: registry:5000/org/name:tag@sha256:… → registry:5000/org/name, tag, digest. */
export function parseImageReference(reference: string): { repository: string; tag: string | null; digest: string | null } {
  const [name, digest] = reference.split('@', 2);
  // A colon after the last slash starts the tag; one before it is a registry's port.
  const colon = name.lastIndexOf(':');
  const tagged = colon > name.lastIndexOf('/');
  return { repository: tagged ? name.slice(0, colon) : name, tag: tagged ? name.slice(colon + 1) : null, digest: digest ?? null };
}
