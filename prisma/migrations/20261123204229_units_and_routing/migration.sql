-- AlterTable
ALTER TABLE "AdminUnit" ADD COLUMN "geometryId" TEXT;
ALTER TABLE "AdminUnit" ADD COLUMN "provinceName" TEXT;

-- CreateTable
CREATE TABLE "AdminDataVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "basedOn" TEXT,
    "provinces" TEXT NOT NULL DEFAULT '[]',
    "summary" TEXT NOT NULL DEFAULT '{}',
    "unitCount" INTEGER NOT NULL DEFAULT 0,
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "importedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "AdminGeometry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "type" TEXT NOT NULL,
    "geojson" TEXT NOT NULL,
    "minLon" REAL NOT NULL,
    "minLat" REAL NOT NULL,
    "maxLon" REAL NOT NULL,
    "maxLat" REAL NOT NULL
);

-- CreateTable
CREATE TABLE "AdminUnitAlias" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "version" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "folded" TEXT NOT NULL,
    "note" TEXT
);

-- CreateTable
CREATE TABLE "PoliceUnit" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "provinceCode" TEXT NOT NULL,
    "communes" TEXT NOT NULL DEFAULT '',
    "categories" TEXT NOT NULL DEFAULT '',
    "languages" TEXT NOT NULL DEFAULT 'vi',
    "phone" TEXT,
    "demo" BOOLEAN NOT NULL DEFAULT false,
    "disabledAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "TipRouting" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "tipId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" DATETIME,
    CONSTRAINT "TipRouting_tipId_fkey" FOREIGN KEY ("tipId") REFERENCES "Tip" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TipRouting_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "PoliceUnit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Tip" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "reference" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "contactId" TEXT,
    "channel" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "descriptionFolded" TEXT NOT NULL,
    "occurredAt" DATETIME,
    "occurredText" TEXT,
    "latitude" REAL,
    "longitude" REAL,
    "communeCode" TEXT,
    "placeText" TEXT,
    "placeFolded" TEXT,
    "adminDataVersion" TEXT,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "urgentReason" TEXT,
    "anonymous" BOOLEAN NOT NULL DEFAULT true,
    "reporterNameEnc" TEXT,
    "reporterPhoneEnc" TEXT,
    "status" TEXT NOT NULL DEFAULT 'new',
    "ackDueAt" DATETIME NOT NULL,
    "settleDueAt" DATETIME NOT NULL,
    "duplicateOfId" TEXT,
    "outcome" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "unitId" TEXT,
    "routeRule" TEXT,
    "needsConfirmation" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "Tip_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Tip_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "PoliceUnit" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Tip" ("ackDueAt", "adminDataVersion", "anonymous", "category", "channel", "communeCode", "contactId", "createdAt", "description", "descriptionFolded", "duplicateOfId", "id", "language", "latitude", "longitude", "occurredAt", "occurredText", "outcome", "placeFolded", "placeText", "reference", "reporterNameEnc", "reporterPhoneEnc", "secretHash", "settleDueAt", "sourceKey", "status", "updatedAt", "urgent", "urgentReason") SELECT "ackDueAt", "adminDataVersion", "anonymous", "category", "channel", "communeCode", "contactId", "createdAt", "description", "descriptionFolded", "duplicateOfId", "id", "language", "latitude", "longitude", "occurredAt", "occurredText", "outcome", "placeFolded", "placeText", "reference", "reporterNameEnc", "reporterPhoneEnc", "secretHash", "settleDueAt", "sourceKey", "status", "updatedAt", "urgent", "urgentReason" FROM "Tip";
DROP TABLE "Tip";
ALTER TABLE "new_Tip" RENAME TO "Tip";
CREATE UNIQUE INDEX "Tip_reference_key" ON "Tip"("reference");
CREATE UNIQUE INDEX "Tip_sourceKey_key" ON "Tip"("sourceKey");
CREATE INDEX "Tip_status_urgent_createdAt_idx" ON "Tip"("status", "urgent", "createdAt");
CREATE INDEX "Tip_contactId_idx" ON "Tip"("contactId");
CREATE INDEX "Tip_unitId_idx" ON "Tip"("unitId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "AdminDataVersion_seq_key" ON "AdminDataVersion"("seq");

-- CreateIndex
CREATE INDEX "AdminUnitAlias_version_kind_idx" ON "AdminUnitAlias"("version", "kind");

-- CreateIndex
CREATE INDEX "AdminUnitAlias_version_folded_idx" ON "AdminUnitAlias"("version", "folded");

-- CreateIndex
CREATE INDEX "TipRouting_unitId_active_idx" ON "TipRouting"("unitId", "active");

-- CreateIndex
CREATE INDEX "TipRouting_tipId_idx" ON "TipRouting"("tipId");

-- CreateIndex
CREATE INDEX "AdminUnit_version_provinceCode_idx" ON "AdminUnit"("version", "provinceCode");

