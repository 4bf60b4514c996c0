"""Every domain rule: models in, values or errors out; no Flask, no gateway, no Thai message builders."""
