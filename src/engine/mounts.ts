import type { ContainerMount } from '../snapshot.js';

/** A mount as the engine lists it (inspect and the container list alike), in the snapshot's shape. */
export function toContainerMount(m: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }): ContainerMount {
  return { type: m.Type, ...(m.Name ? { name: m.Name } : {}), source: m.Source, destination: m.Destination, readOnly: !m.RW };
}
