CREATE TABLE runs (
	id SERIAL NOT NULL, 
	created_at VARCHAR(32) NOT NULL, 
	finished_at VARCHAR(32), 
	status VARCHAR(16) NOT NULL, 
	spec_json TEXT NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE run_tasks (
	run_id INTEGER NOT NULL, 
	task_id VARCHAR(200) NOT NULL, 
	content_hash VARCHAR(64) NOT NULL, 
	time_limit_s FLOAT, 
	reference_ok BOOLEAN NOT NULL, 
	problem TEXT NOT NULL, 
	optimal_complexity VARCHAR(32), 
	tags_json TEXT NOT NULL, 
	PRIMARY KEY (run_id, task_id), 
	FOREIGN KEY(run_id) REFERENCES runs (id)
);

CREATE TABLE generations (
	run_id INTEGER NOT NULL, 
	task_id VARCHAR(200) NOT NULL, 
	model VARCHAR(300) NOT NULL, 
	sample_index INTEGER NOT NULL, 
	cache_key VARCHAR(64), 
	prompt TEXT NOT NULL, 
	text TEXT, 
	code TEXT, 
	extract_method VARCHAR(64) NOT NULL, 
	raw_json TEXT, 
	input_tokens INTEGER, 
	output_tokens INTEGER, 
	finish_reason VARCHAR(64), 
	latency_s FLOAT, 
	first_token_s FLOAT, 
	served_model VARCHAR(300), 
	peak_memory_mb FLOAT, 
	cost_usd FLOAT, 
	attempts INTEGER NOT NULL, 
	error TEXT, 
	cached_from_run INTEGER, 
	created_at VARCHAR(32) NOT NULL, 
	PRIMARY KEY (run_id, task_id, model, sample_index), 
	FOREIGN KEY(run_id) REFERENCES runs (id)
);

CREATE INDEX ix_generations_cache_key ON generations (cache_key);

CREATE TABLE results (
	run_id INTEGER NOT NULL, 
	task_id VARCHAR(200) NOT NULL, 
	model VARCHAR(300) NOT NULL, 
	sample_index INTEGER NOT NULL, 
	status VARCHAR(32) NOT NULL, 
	scores_json TEXT NOT NULL, 
	execution_json TEXT, 
	created_at VARCHAR(32) NOT NULL, 
	PRIMARY KEY (run_id, task_id, model, sample_index), 
	FOREIGN KEY(run_id) REFERENCES runs (id)
);

CREATE TABLE schema_migrations (
	version SERIAL NOT NULL, 
	applied_at VARCHAR(32) NOT NULL, 
	PRIMARY KEY (version)
);

INSERT INTO schema_migrations (version, applied_at) VALUES (1, '2026-11-28T16:00:00+00:00');
