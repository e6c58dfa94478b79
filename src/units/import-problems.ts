/**
 * What is wrong with an import file, each problem with where it is ("line 12", "feature 7
 * (code 21484), line 40"). An import with any problem writes nothing.
 */

export interface ImportProblem {
  where: string;
  message: string;
}

export class UnitImportError extends Error {
  override name = "UnitImportError";
  constructor(
    readonly file: string,
    readonly problems: ImportProblem[],
  ) {
    const shown = problems.slice(0, 20).map((p) => `  ${p.where}: ${p.message}`);
    if (problems.length > 20) shown.push(`  … and ${problems.length - 20} more`);
    super(`${file}: nothing imported, ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${shown.join("\n")}`);
  }
}

/** Collects problems; `done()` throws them all at once. */
export class ProblemList {
  readonly items: ImportProblem[] = [];
  constructor(readonly file: string) {}
  add(where: string, message: string): void {
    this.items.push({ where, message });
  }
  done(): void {
    if (this.items.length) throw new UnitImportError(this.file, this.items);
  }
}
