/**
 * Spreadsheet column names: 1 → "A", 26 → "Z", 27 → "AA" (the letters a clerk sees in Excel).
 */
export function columnLetter(column: number): string {
  let n = column;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}
