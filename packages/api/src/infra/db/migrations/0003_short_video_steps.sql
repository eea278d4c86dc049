CREATE TABLE "short_video_steps" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "short_video_steps_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"short_video_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"status" "short_video_status" NOT NULL,
	"stage" text,
	"progress" integer NOT NULL,
	"attempt" integer NOT NULL,
	"error" text
);
--> statement-breakpoint
ALTER TABLE "short_video_steps" ADD CONSTRAINT "short_video_steps_short_video_id_short_videos_id_fk" FOREIGN KEY ("short_video_id") REFERENCES "public"."short_videos"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "short_video_steps_video_idx" ON "short_video_steps" USING btree ("short_video_id","id");