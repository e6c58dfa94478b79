-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_FaqEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "version" INTEGER NOT NULL DEFAULT 1,
    "tagsJson" TEXT NOT NULL DEFAULT '[]',
    "questionsJson" TEXT NOT NULL,
    "answersJson" TEXT NOT NULL,
    "linksJson" TEXT NOT NULL DEFAULT '[]',
    "alsoAnswersJson" TEXT NOT NULL DEFAULT '[]',
    "reviewedBy" TEXT NOT NULL,
    "reviewedAt" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false
);
INSERT INTO "new_FaqEntry" ("answersJson", "disabled", "id", "linksJson", "questionsJson", "reviewedAt", "reviewedBy", "tagsJson", "updatedAt", "version") SELECT "answersJson", "disabled", "id", "linksJson", "questionsJson", "reviewedAt", "reviewedBy", "tagsJson", "updatedAt", "version" FROM "FaqEntry";
DROP TABLE "FaqEntry";
ALTER TABLE "new_FaqEntry" RENAME TO "FaqEntry";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

