from django.db import models

from assessments.models import Assessment


class FrozenPaper(models.Model):
    """The published PDF of a closed assessment, with a fingerprint of the figures it shows.

    Downloads serve this file; it is made again only when the fingerprint of the data no
    longer matches (after a reopen and a changed answer, say).
    """

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="frozen_paper"
    )
    fingerprint = models.CharField(max_length=64)
    pdf = models.BinaryField()
    made_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Board paper for {self.assessment}"
