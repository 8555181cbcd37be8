"""Who may do what: accounts, sign-in, roles and permissions, electronic signatures."""
