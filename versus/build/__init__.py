"""scan -> plan -> load -> make -> record: a build, and the state it keeps."""
