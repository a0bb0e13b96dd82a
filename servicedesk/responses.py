"""File answers shared by admin pages and API views (the same PDF or workbook from both)."""

from __future__ import annotations

from django.http import HttpResponse

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_response(body: bytes, *, filename: str, content_type: str, inline: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response


def pdf_response(body: bytes, *, filename: str, inline: bool = True) -> HttpResponse:
    """A PDF shown in the browser (inline, to print at the counter) or downloaded."""
    return file_response(body, filename=filename, content_type=PDF, inline=inline)
