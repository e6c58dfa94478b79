-- CreateTable
CREATE TABLE "Translation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "lang" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "text" TEXT,
    "state" TEXT NOT NULL,
    "clipId" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "draftedBy" TEXT NOT NULL,
    "reviewedBy" TEXT,
    "reviewedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AudioClip" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sha256" TEXT NOT NULL,
    "mime" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "file" TEXT NOT NULL,
    "oggFile" TEXT,
    "m4aFile" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "Translation_lang_state_idx" ON "Translation"("lang", "state");

-- CreateIndex
CREATE INDEX "Translation_updatedAt_idx" ON "Translation"("updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Translation_lang_key_key" ON "Translation"("lang", "key");

-- CreateIndex
CREATE UNIQUE INDEX "AudioClip_sha256_key" ON "AudioClip"("sha256");

