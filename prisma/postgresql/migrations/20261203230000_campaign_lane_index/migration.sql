-- CreateIndex
CREATE INDEX "CampaignDelivery_channel_state_id_idx" ON "CampaignDelivery"("channel", "state", "id");
