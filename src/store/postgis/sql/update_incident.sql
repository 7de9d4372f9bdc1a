UPDATE incidents SET status = $2, resolved_at = to_timestamp($3) WHERE id = $1
