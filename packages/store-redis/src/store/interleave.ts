/** Round robin over lists: a1 b1 c1 a2 b2 … (each list keeps its own order). */
export function interleave<T>(lists: readonly (readonly T[])[]): T[] {
  const out: T[] = [];
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let j = 0; j < longest; j++) {
    for (const list of lists) {
      const item = list[j];
      if (item !== undefined) out.push(item);
    }
  }
  return out;
}
