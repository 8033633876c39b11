"""What a page may read and show: the sandbox, the HTML sanitiser, images, static files."""
