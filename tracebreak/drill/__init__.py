"""`tracebreak drill`: the host's game for one trainee at a time. A secret mix of toggles, background
load, only the symptom; hints follow the article's workflow; answers are scored; a scoreboard file."""
