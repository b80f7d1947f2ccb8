DROP TABLE audit_log, dialogs, bot_state, processed_updates, link_attempts, invites, roles,
    member_organisations, members, organisation_history, organisations;
