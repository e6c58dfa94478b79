-- CreateTable
CREATE TABLE "TipFollower" (
    "id" TEXT NOT NULL,
    "tipId" TEXT NOT NULL,
    "contactId" TEXT NOT NULL,
    "verifiedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TipFollower_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TipFollower_contactId_idx" ON "TipFollower"("contactId");

-- CreateIndex
CREATE UNIQUE INDEX "TipFollower_tipId_contactId_key" ON "TipFollower"("tipId", "contactId");

-- AddForeignKey
ALTER TABLE "TipFollower" ADD CONSTRAINT "TipFollower_tipId_fkey" FOREIGN KEY ("tipId") REFERENCES "Tip"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TipFollower" ADD CONSTRAINT "TipFollower_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact"("id") ON DELETE CASCADE ON UPDATE CASCADE;

