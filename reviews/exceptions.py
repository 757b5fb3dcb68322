from linli.refusals import Refusal


class ReviewsError(Refusal):
    """A refusal about reviews, complaints or feedback."""
