-- Records each step of a short video (see short_video_steps in short-video/tables.ts) in the same
-- statement as the write that makes it: every path that changes a video (consumer, worker, retry,
-- reconciler) is covered, and a step can never be committed without its video's change or vice versa.
CREATE FUNCTION "record_short_video_step"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT'
    OR (OLD.status, OLD.stage, OLD.progress, OLD.attempts, OLD.error)
      IS DISTINCT FROM (NEW.status, NEW.stage, NEW.progress, NEW.attempts, NEW.error) THEN
    INSERT INTO "short_video_steps" ("short_video_id", "at", "status", "stage", "progress", "attempt", "error")
    VALUES (NEW.id, NEW.updated_at, NEW.status, NEW.stage, NEW.progress, NEW.attempts, NEW.error);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "short_videos_record_step"
AFTER INSERT OR UPDATE ON "short_videos"
FOR EACH ROW EXECUTE FUNCTION "record_short_video_step"();
