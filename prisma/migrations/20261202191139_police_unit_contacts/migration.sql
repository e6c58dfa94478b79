-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_PoliceUnit" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "provinceCode" TEXT NOT NULL,
    "communes" TEXT NOT NULL DEFAULT '',
    "categories" TEXT NOT NULL DEFAULT '',
    "languages" TEXT NOT NULL DEFAULT 'vi',
    "phone" TEXT,
    "address" TEXT,
    "hours" TEXT,
    "contactSample" BOOLEAN NOT NULL DEFAULT false,
    "dutyChatId" TEXT,
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "disabledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_PoliceUnit" ("categories", "communes", "createdAt", "demo", "disabledAt", "dutyChatId", "id", "kind", "languages", "name", "phone", "provinceCode", "updatedAt") SELECT "categories", "communes", "createdAt", "demo", "disabledAt", "dutyChatId", "id", "kind", "languages", "name", "phone", "provinceCode", "updatedAt" FROM "PoliceUnit";
DROP TABLE "PoliceUnit";
ALTER TABLE "new_PoliceUnit" RENAME TO "PoliceUnit";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

