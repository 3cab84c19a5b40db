/* filled by the app's own issue */
