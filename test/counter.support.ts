/** Values must never repeat, and each connection must see them strictly increase. */
export function problemsIn(valuesPerConnection: number[][]): { duplicates: number[]; nonIncreasing: number } {
  const seen = new Set<number>();
  const duplicates: number[] = [];
  let nonIncreasing = 0;
  for (const values of valuesPerConnection) {
    values.forEach((value, index) => {
      if (seen.has(value)) duplicates.push(value);
      seen.add(value);
      if (index > 0 && value <= values[index - 1]!) nonIncreasing += 1;
    });
  }
  return { duplicates, nonIncreasing };
}
