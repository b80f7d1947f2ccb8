DROP TABLE chat_send_slots, send_budget, outbox, assignments, campaign_orgs, campaigns;
