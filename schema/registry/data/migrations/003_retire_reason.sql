-- A release retired while it still had traffic needs a reason, kept with the retirement.
ALTER TABLE manifests ADD COLUMN retire_reason text;
