-- CreateTable
CREATE TABLE "Translation" (
    "id" TEXT NOT NULL,
    "lang" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "text" TEXT,
    "state" TEXT NOT NULL,
    "clipId" TEXT,
    "version" INTEGER NOT NULL DEFAULT 1,
    "draftedBy" TEXT NOT NULL,
    "reviewedBy" TEXT,
    "reviewedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Translation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AudioClip" (
    "id" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "mime" TEXT NOT NULL,
    "bytes" INTEGER NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "file" TEXT NOT NULL,
    "oggFile" TEXT,
    "m4aFile" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AudioClip_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Translation_lang_state_idx" ON "Translation"("lang", "state");

-- CreateIndex
CREATE INDEX "Translation_updatedAt_idx" ON "Translation"("updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Translation_lang_key_key" ON "Translation"("lang", "key");

-- CreateIndex
CREATE UNIQUE INDEX "AudioClip_sha256_key" ON "AudioClip"("sha256");

