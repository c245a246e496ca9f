# This app's models arrive with its feature; see ARCHITECTURE.md for what it will own.
