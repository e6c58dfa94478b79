-- CreateTable
CREATE TABLE "CommunePopulation" (
    "code" TEXT NOT NULL PRIMARY KEY,
    "population" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "importedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

