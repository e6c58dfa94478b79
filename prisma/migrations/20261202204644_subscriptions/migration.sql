-- CreateTable
CREATE TABLE "Subscription" (
    "contactId" TEXT NOT NULL PRIMARY KEY,
    "topics" TEXT NOT NULL,
    "communeCode" TEXT,
    "source" TEXT NOT NULL,
    "sourceCode" TEXT,
    "consentedAt" DATETIME NOT NULL,
    "stoppedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Subscription_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ConsentEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "contactId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "topics" TEXT NOT NULL DEFAULT '',
    "source" TEXT NOT NULL,
    "sourceCode" TEXT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ConsentEvent_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Contact" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ConsentEvent_contactId_at_idx" ON "ConsentEvent"("contactId", "at");

