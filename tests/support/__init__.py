"""What the tests share: project files and stubs (files), tagged-PDF reading (tagged), the web checkers (webcheck), the golden pages (golden)."""
