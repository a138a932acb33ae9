import calculateSlot from 'cluster-key-slot';

/** The Redis Cluster slot of a key (CRC16 of its hash tag, or of the whole key without one). */
export function slotOf(key: string): number {
  return calculateSlot(key);
}
