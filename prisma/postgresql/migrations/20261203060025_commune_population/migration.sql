-- CreateTable
CREATE TABLE "CommunePopulation" (
    "code" TEXT NOT NULL,
    "population" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "importedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CommunePopulation_pkey" PRIMARY KEY ("code")
);

