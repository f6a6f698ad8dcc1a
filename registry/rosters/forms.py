from django import forms
from django.utils.translation import gettext_lazy as _

from registry.core.forms import BoundedTextMixin

from . import reading


class UploadForm(BoundedTextMixin, forms.Form):
    file = forms.FileField(
        label=_("Roster file (CSV or Excel .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
        error_messages={"required": _("Choose the file to import.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > reading.MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 40 MB; split it into several files.")
            )
        return upload
