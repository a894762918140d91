"""The cluster path for a workshop: a namespace per trainee and one shared backend (deploy/kubernetes)."""
