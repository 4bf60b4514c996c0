"""LINE Messaging API limits, in one place (plain constants: any layer may import this module).

Lengths are in UTF-16 code units where LINE counts characters (see `messages_th.common.utf16_len`), bytes
where it counts bytes. Source: the Messaging API reference (message objects, actions, Flex, send calls).
"""

# -- send calls
MESSAGES_PER_CALL = 5          # messages in one reply, push or multicast
MULTICAST_MAX = 500            # recipients of one multicast

# -- message objects
TEXT_MAX = 5000                # text message, UTF-16 units
ALT_TEXT_MAX = 1500            # Flex altText, UTF-16 units

# -- quick replies and actions
QUICK_REPLY_MAX_ITEMS = 13
QUICK_REPLY_LABEL_MAX = 20     # action label shown as a quick-reply button
BUTTON_LABEL_MAX = 40          # action label on a Flex button
ACTION_TEXT_MAX = 300          # message action text, postback displayText
POSTBACK_DATA_MAX_BYTES = 300  # postback data

# -- Flex containers
BUBBLE_MAX_BYTES = 30_000      # one bubble as JSON (LINE says 30 KB; 30,000 holds however a KB is counted)
CAROUSEL_MAX_BUBBLES = 12
CAROUSEL_MAX_BYTES = 50_000    # a whole carousel as JSON (likewise)
