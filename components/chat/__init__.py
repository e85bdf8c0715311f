"""The playground page: the chat pane, sending and the reply, actions, the footer."""
