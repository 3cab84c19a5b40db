from django import forms

from .models import MAX_SCORE, MIN_SCORE


class VoteForm(forms.Form):
    """A score on the server's own scale; anything else a client sends is ignored."""

    score = forms.TypedChoiceField(
        choices=[(n, f"Rate {n} out of {MAX_SCORE}") for n in range(MIN_SCORE, MAX_SCORE + 1)],
        coerce=int,
        error_messages={
            "required": f"Choose from {MIN_SCORE} to {MAX_SCORE} stars, then send your rating.",
            "invalid_choice": f"A rating is a whole number of stars from {MIN_SCORE} to {MAX_SCORE}.",
        },
    )
