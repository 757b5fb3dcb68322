"""A receipt for the family: what the order cost, what the subsidy paid, what they paid,
how and when, and to whom (decision 0042). One list of lines feeds the page and the PDF."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from linli.fonts import find_cjk_font
from linli.refusals import Refusal
from marketplace.money import yuan
from orders.models import Order, Payment


class NoFont(Refusal):
    pass


@dataclass(frozen=True)
class Receipt:
    order: Order
    lines: list[tuple[str, str]]


def _method(payment: Payment | None) -> str:
    if payment is None or payment.status != Payment.Status.SUCCEEDED:
        return _("Nothing to pay")
    if payment.saved_card_id:
        card = payment.saved_card
        return _("Saved card %(brand)s ending %(last4)s") % {
            "brand": card.brand,
            "last4": card.last4,
        }
    return _("Paid online by card, Alipay or WeChat Pay (Stripe)")


def receipt_for(order: Order) -> Receipt:
    payment = getattr(order, "payment", None)
    paid = payment is not None and payment.status == Payment.Status.SUCCEEDED
    paid_at = payment.succeeded_at if paid else None
    lines = [
        (_("Order number"), order.code),
        (_("Service"), order.title_for_reader),
        (_("Provider"), order.provider.name),
        (_("For"), order.care_recipient.name),
        (_("When"), timezone.localtime(order.starts_at).strftime("%Y-%m-%d %H:%M")),
        (_("List price"), f"¥{yuan(order.list_price_fen)}"),
        (_("Subsidy"), f"¥{yuan(order.subsidy_fen)}"),
        (_("Paid"), f"¥{yuan(payment.amount_fen if paid else 0)}"),
        (_("Payment method"), _method(payment)),
    ]
    if paid_at:
        lines.append((_("Paid on"), timezone.localtime(paid_at).strftime("%Y-%m-%d %H:%M")))
    return Receipt(order=order, lines=lines)


def receipt_pdf(receipt: Receipt) -> bytes:
    found = find_cjk_font()
    if found is None:
        raise NoFont(_("PDF receipts need a Chinese font: install the fonts-noto-cjk package."))
    path, index = found
    pdf = FPDF(format=(148, 210))  # A5 in millimetres
    pdf.add_font("cjk", fname=str(path), collection_font_number=index)
    pdf.add_page()
    pdf.set_font("cjk", size=16)
    pdf.cell(text=_("Receipt"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("cjk", size=10)
    # Label and value on one row each; long service names wrap inside their column.
    with pdf.table(
        col_widths=(40, 88), text_align="LEFT", line_height=6, first_row_as_headings=False
    ) as table:
        for label, value in receipt.lines:
            table.row([label, value])
    pdf.ln(4)
    pdf.set_font("cjk", size=8)
    pdf.multi_cell(0, 4, text=_("Linli: this receipt was made from the order's record."))
    return bytes(pdf.output())
