"""The small framework flows program against: router, context, postback codec, auth, flow helpers."""
