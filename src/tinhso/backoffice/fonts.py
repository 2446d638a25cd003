"""A4 pages for what the back office prints, in Noto Sans (built by core.fonts)."""

from fpdf import FPDF

from tinhso.core.fonts import noto_sans


def a4_page(title: str) -> FPDF:
    """A Vietnamese A4 document with Noto Sans ("Noto", regular and bold), its first page
    begun: what the back office prints (receipts, declarations)."""
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    for style, path in noto_sans().items():
        pdf.add_font("Noto", style, str(path))
    pdf.set_title(title)
    pdf.set_lang("vi")
    pdf.set_creator("Tỉnh số")
    pdf.add_page()
    return pdf
