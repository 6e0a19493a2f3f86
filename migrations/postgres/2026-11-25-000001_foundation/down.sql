DROP TABLE audit_events;
DROP TABLE app_secrets;
DROP TABLE refresh_tokens;
DROP TABLE members;
