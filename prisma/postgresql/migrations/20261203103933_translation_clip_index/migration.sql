-- CreateIndex
CREATE INDEX "Translation_clipId_state_idx" ON "Translation"("clipId", "state");

