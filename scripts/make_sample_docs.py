#!/usr/bin/env python3
"""Generate the ragbox demo/test corpus under sample_docs/.

Everything here is fictional: the companies, people, patients and addresses
are invented for demonstrating and testing ragbox.  No real patient data.

Output:
  sample_docs/contracts/mutual_nda_northwind_bluefin.pdf
  sample_docs/contracts/services_agreement_acme_globex.pdf
  sample_docs/clinical_notes/*.txt, *.md

Requirements: fpdf2 (PDF generation).  Use a separate venv, e.g.:
  python3 -m venv /tmp/sampledocs-venv
  /tmp/sampledocs-venv/bin/pip install fpdf2 pypdf
  /tmp/sampledocs-venv/bin/python scripts/make_sample_docs.py

Text is plain ASCII (straight quotes, no em-dashes) and rendered with a core
font so that PDF text extraction is clean.  Paragraphs are never split across
a page break, so every clause sentence is extractable from a single page.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fpdf import FPDF

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "sample_docs"

FICTION_NOTICE = "Fictional sample document for ragbox demo. All names and companies are invented."

# ---------------------------------------------------------------------------
# Contract content.  Each contract is a list of blocks:
#   ("title", text) | ("subtitle", text) | ("heading", text) | ("para", text)
#   ("pagebreak", None) forces a new page (used sparingly for signatures).
# ---------------------------------------------------------------------------

NDA_BLOCKS = [
    ("title", "MUTUAL NON-DISCLOSURE AGREEMENT"),
    ("subtitle", FICTION_NOTICE),
    ("para",
     "This Mutual Non-Disclosure Agreement (the \"Agreement\") is entered into as of "
     "February 3, 2026 (the \"Effective Date\") by and between Northwind Analytics Ltd., "
     "a private limited company with its principal office at 41 Harbour Street, Leeds "
     "LS1 4AB, United Kingdom (\"Northwind\"), and Bluefin Robotics Inc., a Delaware "
     "corporation with its principal office at 2200 Marsh Road, Suite 310, Wilmington, "
     "Delaware 19803 (\"Bluefin\"). Northwind and Bluefin are each referred to as a "
     "\"Party\" and together as the \"Parties\"."),
    ("heading", "Recitals"),
    ("para",
     "A. Northwind develops data analytics software for warehouse and logistics operators. "
     "Bluefin designs and manufactures autonomous mobile robots for warehouse automation."),
    ("para",
     "B. The Parties wish to evaluate a possible collaboration under which Northwind's "
     "forecasting models would be integrated with Bluefin's fleet management platform "
     "(the \"Purpose\"). In the course of that evaluation each Party may disclose "
     "Confidential Information to the other Party."),
    ("para",
     "C. The Parties therefore agree to protect such Confidential Information on the "
     "terms set out below."),
    ("heading", "1. Definitions"),
    ("para",
     "1.1 \"Confidential Information\" means all non-public information disclosed by or "
     "on behalf of a Party (the \"Disclosing Party\") to the other Party (the \"Receiving "
     "Party\"), whether orally, visually, electronically or in writing, that is marked or "
     "identified as confidential or that a reasonable person would understand to be "
     "confidential given the nature of the information and the circumstances of disclosure."),
    ("para",
     "1.2 Confidential Information includes, without limitation, source code, algorithms, "
     "model weights, training data, product roadmaps, hardware designs, pricing, customer "
     "lists, business plans and the existence and terms of the Parties' discussions."),
    ("para",
     "1.3 \"Representatives\" means a Party's affiliates and its and their directors, "
     "officers, employees, contractors and professional advisers who have a need to know "
     "the Confidential Information for the Purpose."),
    ("para",
     "1.4 \"Business Day\" means any day other than a Saturday, Sunday or public holiday "
     "in the State of Delaware or in England."),
    ("heading", "2. Obligations of the Receiving Party"),
    ("para",
     "2.1 The Receiving Party shall use the Disclosing Party's Confidential Information "
     "solely for the Purpose and for no other purpose."),
    ("para",
     "2.2 The Receiving Party shall not disclose Confidential Information to any third "
     "party other than its Representatives, and shall ensure that each Representative is "
     "bound by written obligations of confidentiality no less protective than those in "
     "this Agreement. The Receiving Party is responsible for any breach of this Agreement "
     "caused by its Representatives."),
    ("para",
     "2.3 The Receiving Party shall protect the Confidential Information using at least "
     "the same degree of care it uses to protect its own confidential information of a "
     "similar nature, and in no event less than a reasonable degree of care."),
    ("para",
     "2.4 The Receiving Party shall notify the Disclosing Party in writing within five (5) "
     "Business Days after becoming aware of any unauthorized use or disclosure of "
     "Confidential Information and shall cooperate to limit the consequences."),
    ("para",
     "2.5 The Receiving Party shall not reverse engineer, decompile or disassemble any "
     "software, prototype or hardware sample provided as Confidential Information."),
    ("heading", "3. Exclusions"),
    ("para",
     "3.1 The obligations in Section 2 do not apply to information that the Receiving "
     "Party can demonstrate: (a) is or becomes publicly available through no fault of the "
     "Receiving Party; (b) was lawfully known to the Receiving Party before disclosure "
     "without a duty of confidentiality; (c) is lawfully received from a third party "
     "without restriction; or (d) is independently developed by the Receiving Party "
     "without use of or reference to the Confidential Information."),
    ("heading", "4. Compelled Disclosure"),
    ("para",
     "4.1 If the Receiving Party is required by law, regulation or court order to disclose "
     "Confidential Information, it shall give the Disclosing Party prompt written notice "
     "(where legally permitted) so that the Disclosing Party may seek a protective order, "
     "and shall disclose only the portion of Confidential Information that it is legally "
     "required to disclose."),
    ("heading", "5. Return and Destruction of Materials"),
    ("para",
     "5.1 Within fifteen (15) days after a written request by the Disclosing Party, or "
     "after termination of this Agreement, the Receiving Party shall return or destroy all "
     "documents and materials containing Confidential Information and shall certify the "
     "destruction in writing if requested."),
    ("para",
     "5.2 The Receiving Party may retain copies held in automatic electronic backups or "
     "required to be retained by law, provided that such copies remain subject to this "
     "Agreement for as long as they are retained."),
    ("heading", "6. No License; No Warranty"),
    ("para",
     "6.1 All Confidential Information remains the property of the Disclosing Party. "
     "Nothing in this Agreement grants the Receiving Party any license or other right "
     "under any patent, copyright, trade secret or other intellectual property right."),
    ("para",
     "6.2 Confidential Information is provided \"AS IS\". Neither Party makes any "
     "representation or warranty as to the accuracy or completeness of Confidential "
     "Information, and neither Party is obliged to enter into any further agreement."),
    ("heading", "7. Term and Termination"),
    ("para",
     "7.1 This Agreement commences on the Effective Date and continues for a period of "
     "two (2) years unless terminated earlier in accordance with this Section 7."),
    ("para",
     "7.2 Either party may terminate this Agreement at any time by giving thirty (30) "
     "days' written notice to the other party."),
    ("para",
     "7.3 The confidentiality obligations in this Agreement shall survive termination or "
     "expiration of this Agreement for a period of three (3) years. Obligations relating "
     "to trade secrets shall survive for as long as the information remains a trade "
     "secret under applicable law."),
    ("para",
     "7.4 Sections 5, 6, 8, 9 and 10 survive any termination or expiration of this "
     "Agreement."),
    ("heading", "8. Remedies"),
    ("para",
     "8.1 Each Party acknowledges that unauthorized disclosure of Confidential Information "
     "may cause irreparable harm for which damages would not be an adequate remedy. The "
     "Disclosing Party shall be entitled to seek injunctive relief, without the necessity "
     "of posting a bond, in addition to any other remedy available at law or in equity."),
    ("heading", "9. Governing Law"),
    ("para",
     "9.1 This Agreement shall be governed by and construed in accordance with the laws "
     "of the State of Delaware, without regard to its conflict of laws principles."),
    ("para",
     "9.2 The Parties submit to the exclusive jurisdiction of the state and federal courts "
     "located in Wilmington, Delaware for any dispute arising out of or relating to this "
     "Agreement."),
    ("heading", "10. Miscellaneous"),
    ("para",
     "10.1 Notices. Notices under this Agreement shall be in writing and delivered by "
     "hand, by courier or by email with confirmation of receipt, to Northwind at "
     "legal@northwind-analytics.example, attention: General Counsel, and to Bluefin at "
     "contracts@bluefin-robotics.example, attention: VP Legal."),
    ("para",
     "10.2 Entire Agreement. This Agreement is the entire agreement between the Parties "
     "regarding its subject matter and supersedes all prior discussions. It may be "
     "amended only in a writing signed by both Parties."),
    ("para",
     "10.3 Assignment. Neither Party may assign this Agreement without the prior written "
     "consent of the other Party, except to a successor in connection with a merger or "
     "sale of substantially all of its assets."),
    ("para",
     "10.4 Counterparts. This Agreement may be executed in counterparts, including by "
     "electronic signature, each of which is an original and all of which together form "
     "one instrument."),
    ("pagebreak", None),
    ("heading", "Signatures"),
    ("para",
     "IN WITNESS WHEREOF, the Parties have executed this Agreement as of the Effective Date."),
    ("para",
     "NORTHWIND ANALYTICS LTD.\n"
     "By: ______________________________\n"
     "Name: Harriet Oakes\n"
     "Title: Chief Executive Officer\n"
     "Date: February 3, 2026"),
    ("para",
     "BLUEFIN ROBOTICS INC.\n"
     "By: ______________________________\n"
     "Name: Marcus Delgado\n"
     "Title: Chief Operating Officer\n"
     "Date: February 3, 2026"),
]

MSA_BLOCKS = [
    ("title", "MASTER SERVICES AGREEMENT"),
    ("subtitle", FICTION_NOTICE),
    ("para",
     "This Master Services Agreement (the \"Agreement\") is made as of January 15, 2026 "
     "(the \"Effective Date\") between Acme Legal Services LLC, a New York limited "
     "liability company with offices at 500 Lexington Avenue, 12th Floor, New York, New "
     "York 10017 (\"Provider\"), and Globex Corporation, an Ohio corporation with offices "
     "at 1800 Industrial Parkway, Columbus, Ohio 43215 (\"Client\")."),
    ("heading", "1. Definitions"),
    ("para",
     "1.1 \"Services\" means the contract review, legal research, document management "
     "and e-discovery support services described in one or more Statements of Work."),
    ("para",
     "1.2 \"Statement of Work\" or \"SOW\" means a written document signed by both "
     "parties that references this Agreement and describes specific Services, "
     "deliverables, timelines and fees."),
    ("para",
     "1.3 \"Deliverables\" means all memoranda, reports, summaries and other work product "
     "that Provider delivers to Client under a Statement of Work."),
    ("para",
     "1.4 \"Fees\" means the amounts payable by Client for the Services as set out in the "
     "applicable Statement of Work."),
    ("heading", "2. Services"),
    ("para",
     "2.1 Provider shall perform the Services described in each Statement of Work in a "
     "professional and workmanlike manner, using appropriately qualified personnel."),
    ("para",
     "2.2 Each Statement of Work is incorporated into this Agreement. If there is a "
     "conflict between this Agreement and a Statement of Work, this Agreement controls "
     "unless the Statement of Work expressly states otherwise."),
    ("para",
     "2.3 Provider shall assign a named engagement manager to each Statement of Work. The "
     "initial engagement manager for Client is Priya Raman, Senior Manager."),
    ("para",
     "2.4 Changes to the scope of Services must be agreed in a written change order "
     "signed by both parties before the changed Services are performed."),
    ("heading", "3. Fees and Payment"),
    ("para",
     "3.1 Client shall pay the Fees set out in each Statement of Work. Unless a Statement "
     "of Work states otherwise, Services are billed monthly in arrears at the hourly rates "
     "listed in Schedule A."),
    ("para",
     "3.2 Provider shall invoice Client monthly, and all invoices are payable within "
     "forty-five (45) days after the invoice date."),
    ("para",
     "3.3 Any undisputed amount not paid when due shall accrue late payment interest at "
     "the rate of 1.5% per month, or the maximum rate permitted by law, if lower."),
    ("para",
     "3.4 Client may dispute an invoice in good faith by giving written notice with "
     "reasonable detail before the payment due date. The parties shall work together to "
     "resolve any dispute within thirty (30) days."),
    ("para",
     "3.5 Fees are exclusive of sales, use and similar taxes, which Client shall pay "
     "except for taxes based on Provider's net income. Pre-approved travel expenses are "
     "reimbursed at cost."),
    ("heading", "4. Client Responsibilities"),
    ("para",
     "4.1 Client shall provide timely access to documents, systems and personnel "
     "reasonably required for Provider to perform the Services, and shall designate a "
     "single point of contact for each Statement of Work."),
    ("para",
     "4.2 Provider is not responsible for delays caused by Client's failure to perform "
     "its responsibilities, and any agreed timelines shall be extended accordingly."),
    ("heading", "5. Confidentiality"),
    ("para",
     "5.1 Each party shall keep the other party's non-public information confidential, "
     "use it only to perform or receive the Services, and protect it with at least "
     "reasonable care. These obligations continue for five (5) years after this "
     "Agreement ends."),
    ("heading", "6. Term"),
    ("para",
     "6.1 This Agreement begins on the Effective Date and continues for an initial term "
     "of two (2) years (the \"Initial Term\")."),
    ("para",
     "6.2 After the Initial Term, this Agreement renews automatically for successive one "
     "(1) year renewal terms unless either party gives notice of non-renewal at least "
     "sixty (60) days before the end of the then-current term."),
    ("para",
     "6.3 Each Statement of Work remains in effect until its stated end date or until "
     "the Services under it are completed, even if that date falls after this Agreement "
     "expires."),
    ("heading", "7. Termination"),
    ("para",
     "7.1 Either party may terminate this Agreement for convenience on ninety (90) days' "
     "written notice to the other party."),
    ("para",
     "7.2 Either party may terminate this Agreement immediately by written notice if the "
     "other party commits a material breach and fails to cure that breach within thirty "
     "(30) days after receiving written notice describing it."),
    ("para",
     "7.3 Either party may terminate this Agreement immediately if the other party "
     "becomes insolvent, makes a general assignment for the benefit of creditors, or "
     "becomes subject to any bankruptcy proceeding that is not dismissed within sixty "
     "(60) days."),
    ("para",
     "7.4 On termination, Client shall pay for all Services performed up to the "
     "termination date, and Provider shall deliver all completed and in-progress "
     "Deliverables to Client."),
    ("heading", "8. Warranties"),
    ("para",
     "8.1 Provider warrants that the Services will be performed in accordance with "
     "generally accepted industry standards. Client's exclusive remedy for breach of this "
     "warranty is re-performance of the non-conforming Services or, if re-performance is "
     "not possible, a refund of the Fees paid for them."),
    ("para",
     "8.2 Provider does not provide legal advice to Client's customers and is not a law "
     "firm. Deliverables are prepared for review by Client's in-house counsel."),
    ("heading", "9. Indemnification"),
    ("para",
     "9.1 Provider shall defend and indemnify Client against third-party claims alleging "
     "that the Deliverables infringe any United States patent, copyright or trademark, "
     "except to the extent the claim arises from materials supplied by Client."),
    ("heading", "10. Limitation of Liability"),
    ("para",
     "10.1 Neither party shall be liable for any indirect, incidental, special, "
     "consequential or punitive damages, or for lost profits or lost data, arising out "
     "of this Agreement."),
    ("para",
     "10.2 Each party's total aggregate liability under this Agreement is capped at the "
     "total fees paid by Client to Provider in the twelve (12) months preceding the event "
     "giving rise to the claim."),
    ("para",
     "10.3 The limits in this Section 10 do not apply to a party's indemnification "
     "obligations, breach of confidentiality, or gross negligence or willful misconduct."),
    ("heading", "11. Governing Law"),
    ("para",
     "11.1 This Agreement is governed by the laws of the State of New York, without "
     "regard to its conflict of laws rules."),
    ("para",
     "11.2 Any action arising out of this Agreement shall be brought exclusively in the "
     "state or federal courts located in New York County, New York, and each party "
     "consents to the jurisdiction of those courts."),
    ("heading", "12. Notices"),
    ("para",
     "12.1 All notices under this Agreement must be in writing and are effective when "
     "delivered by hand, one (1) Business Day after dispatch by recognized overnight "
     "courier, or when sent by email with confirmation of receipt."),
    ("para",
     "12.2 Notices to Provider shall be sent to Acme Legal Services LLC, 500 Lexington "
     "Avenue, 12th Floor, New York, New York 10017, attention: Daniel Whitcomb, Managing "
     "Director. Notices to Client shall be sent to Globex Corporation, 1800 Industrial "
     "Parkway, Columbus, Ohio 43215, attention: Sandra Keel, General Counsel."),
    ("heading", "13. General"),
    ("para",
     "13.1 Independent Contractors. The parties are independent contractors, and nothing "
     "in this Agreement creates a partnership, joint venture or employment relationship."),
    ("para",
     "13.2 Force Majeure. Neither party is liable for delay caused by events beyond its "
     "reasonable control, other than payment obligations."),
    ("para",
     "13.3 Entire Agreement. This Agreement, together with all Statements of Work and "
     "Schedule A, is the entire agreement of the parties and may be amended only in a "
     "writing signed by both parties."),
    ("heading", "Signatures"),
    ("para",
     "ACME LEGAL SERVICES LLC\n"
     "By: ______________________________\n"
     "Name: Daniel Whitcomb\n"
     "Title: Managing Director\n"
     "Date: January 15, 2026"),
    ("para",
     "GLOBEX CORPORATION\n"
     "By: ______________________________\n"
     "Name: Sandra Keel\n"
     "Title: General Counsel\n"
     "Date: January 15, 2026"),
]


class ContractPDF(FPDF):
    def __init__(self, short_title: str):
        super().__init__(orientation="P", unit="mm", format="Letter")
        self.short_title = short_title
        self.set_margins(25, 22, 25)
        self.set_auto_page_break(auto=True, margin=22)
        self.alias_nb_pages()

    def header(self):
        if self.page_no() > 1:
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 5, self.short_title, align="R", new_x="LMARGIN", new_y="NEXT")
            self.ln(3)

    def footer(self):
        self.set_y(-15)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")


def _height(pdf: FPDF, text: str, line_h: float) -> float:
    lines = pdf.multi_cell(0, line_h, text, align="L", dry_run=True, output="LINES")
    return len(lines) * line_h


def _ensure_room(pdf: FPDF, needed: float) -> None:
    if pdf.get_y() + needed > pdf.page_break_trigger:
        pdf.add_page()


def render_contract(blocks, short_title: str, path: Path) -> int:
    pdf = ContractPDF(short_title)
    pdf.set_title(short_title)
    pdf.set_author("ragbox sample corpus (fictional)")
    pdf.add_page()
    body_h = 5.6
    for i, (kind, text) in enumerate(blocks):
        if kind == "title":
            pdf.set_font("Times", "B", 16)
            pdf.multi_cell(0, 8, text, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "subtitle":
            pdf.set_font("Helvetica", "I", 9)
            pdf.multi_cell(0, 5, text, align="C", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        elif kind == "heading":
            # Keep a heading together with the first paragraph that follows it.
            pdf.set_font("Times", "", 11)
            nxt = blocks[i + 1][1] if i + 1 < len(blocks) and blocks[i + 1][0] == "para" else ""
            needed = 10 + (_height(pdf, nxt, body_h) if nxt else 0)
            _ensure_room(pdf, needed)
            pdf.ln(2)
            pdf.set_font("Times", "B", 12)
            pdf.multi_cell(0, 7, text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif kind == "para":
            pdf.set_font("Times", "", 11)
            # Never split a paragraph across pages.
            _ensure_room(pdf, _height(pdf, text, body_h))
            pdf.multi_cell(0, body_h, text, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2.5)
        elif kind == "pagebreak":
            pdf.add_page()
        else:
            raise ValueError(kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return pdf.page_no()


# ---------------------------------------------------------------------------
# Clinical notes (all fictional).
# ---------------------------------------------------------------------------

NOTE_JANE_DOE = """\
Fictional sample note for ragbox demo. Patient and clinicians are invented; no real patient data.

CLINIC: Riverside Family Medicine
VISIT DATE: 2026-03-14
VISIT TYPE: Follow-up, established patient
PATIENT: Jane Doe
DOB: 1968-07-22 (age 57)
MRN: RB-000114 (fictional)
PROVIDER: Dr. Alan Whitfield, MD

CHIEF COMPLAINT: Three-month follow-up for type 2 diabetes mellitus.

SUBJECTIVE / HPI:
Ms. Doe is a 57-year-old woman with type 2 diabetes diagnosed in 2019, hypertension and hyperlipidemia who returns for routine diabetes follow-up. She reports taking metformin 1000 mg twice daily with meals and says she misses a dose about once a week. She denies gastrointestinal upset on the current dose. Home fingerstick glucose readings are mostly 150-190 mg/dL fasting, with occasional readings above 220 mg/dL after dinner. She denies symptomatic hypoglycemia, polyuria, polydipsia or blurred vision. She started walking 20 minutes three times a week after the last visit but has found it hard to keep up during the winter months. Diet recall shows frequent sweetened coffee drinks and large evening meals. She denies chest pain, shortness of breath, foot ulcers or numbness in the feet. No urinary symptoms and no history of genital yeast infections.

MEDICATIONS:
- Metformin 1000 mg by mouth twice daily
- Lisinopril 10 mg by mouth once daily
- Atorvastatin 20 mg by mouth once daily at bedtime
- Aspirin 81 mg by mouth once daily

ALLERGIES:
Sulfa drugs (rash).

OBJECTIVE:
Vitals: BP 132/80, HR 76, Temp 36.8 C, RR 14, SpO2 98% on room air.
Weight 88.4 kg (down 1.1 kg from last visit), BMI 32.5.
General: Well appearing, in no acute distress.
Cardiovascular: Regular rate and rhythm, no murmurs.
Lungs: Clear to auscultation bilaterally.
Extremities: No edema.
Foot exam: Skin intact, no calluses or ulcers. Monofilament sensation intact at all sites bilaterally. Dorsalis pedis pulses 2+ bilaterally.

Labs (drawn 2026-03-07):
- HbA1c 7.8% (previous 7.4% in December 2025; goal below 7.0%)
- Fasting glucose 168 mg/dL
- eGFR 84 mL/min/1.73m2
- Urine albumin-to-creatinine ratio 18 mg/g (normal)
- LDL cholesterol 92 mg/dL

ASSESSMENT:
1. Type 2 diabetes mellitus without complications, not at goal. HbA1c has risen from 7.4% to 7.8% despite metformin at maximum effective dose. Kidney function is normal, so an SGLT2 inhibitor is a reasonable add-on with cardiovascular and renal benefit.
2. Essential hypertension, controlled on lisinopril.
3. Hyperlipidemia, LDL above the goal of 70 mg/dL for a patient with diabetes and additional risk factors.
4. Obesity, BMI 32.5, modest weight loss since last visit.

PLAN:
1. Continue metformin 1000 mg twice daily.
2. Start empagliflozin 10 mg by mouth once daily in the morning. Counseled on genital hygiene, signs of urinary tract and yeast infection, staying well hydrated, and holding the medication on sick days with vomiting or poor oral intake.
3. Increase atorvastatin from 20 mg to 40 mg nightly.
4. Continue lisinopril 10 mg daily.
5. Referral to diabetes self-management education and a dietitian visit.
6. Goal of 150 minutes of moderate activity per week; discussed indoor walking options.
7. Annual dilated eye exam is due; ophthalmology referral placed.
8. Repeat HbA1c and basic metabolic panel in 3 months.

FOLLOW-UP: Return in 3 months, sooner if symptoms of hypoglycemia or infection.

Electronically signed: Alan Whitfield, MD, 2026-03-14 11:42
"""

NOTE_JOHN_ROE = """\
# Asthma Follow-up Visit: John Roe

> Fictional sample note for ragbox demo. Patient and clinicians are invented; no real patient data.

- **Visit date:** 2026-04-02
- **Patient:** John Roe, 34-year-old male
- **DOB:** 1991-11-05
- **MRN:** RB-000207 (fictional)
- **Clinic:** Lakeside Pulmonary Associates
- **Provider:** Dr. Miriam Castillo, MD

## Subjective

**Chief complaint:** Worsening asthma symptoms for 3 weeks.

**HPI:** Mr. Roe has moderate persistent asthma since childhood. Over the past three weeks he reports daytime wheeze and chest tightness four to five days per week and nighttime awakenings with cough twice per week. He has been using his albuterol rescue inhaler about once a day, compared with once or twice a week previously. Symptoms started after a viral upper respiratory infection in early March and are worse with cold air and when running. He has been taking his maintenance inhaler, fluticasone 110 mcg two puffs twice daily, but admits to missing evening doses. He denies fever, chest pain, hemoptysis or leg swelling. No emergency department visits or oral steroid courses in the past 12 months. Nonsmoker; he has a cat at home.

**Asthma Control Test score:** 14 (not well controlled).

## Medications

- Fluticasone propionate HFA 110 mcg, 2 puffs inhaled twice daily
- Albuterol HFA 90 mcg, 2 puffs inhaled every 4-6 hours as needed for wheeze
- Cetirizine 10 mg by mouth once daily

## Allergies

- Penicillin (hives)
- Cat dander (environmental)

## Objective

- **Vitals:** BP 124/78, HR 88, RR 18, Temp 36.9 C, SpO2 96% on room air
- **General:** Speaking in full sentences, mild increased work of breathing
- **HEENT:** Mild nasal turbinate swelling, no sinus tenderness
- **Lungs:** Scattered expiratory wheezes bilaterally, no crackles, good air movement
- **Cardiac:** Regular rate and rhythm
- **Spirometry:** FEV1 2.9 L (72% predicted), FEV1/FVC 0.68, FEV1 improved by 15% after bronchodilator
- **Peak flow:** 410 L/min (personal best 540 L/min)

## Assessment

1. Moderate persistent asthma, not well controlled, with a recent post-viral exacerbation. Reversible obstruction on spirometry. No signs of a severe exacerbation requiring systemic steroids today.
2. Allergic rhinitis with ongoing cat exposure.
3. Suboptimal inhaler adherence and technique reviewed in clinic.

## Plan

1. Step up controller therapy: increase to fluticasone 250 mcg, 2 puffs inhaled twice daily. Rinse mouth after each use.
2. Continue albuterol 90 mcg, 2 puffs every 4-6 hours as needed. Use 2 puffs 15 minutes before exercise.
3. Inhaler technique reviewed with a spacer; patient demonstrated correct technique.
4. Written asthma action plan provided with green, yellow and red zones based on peak flow.
5. Start fluticasone nasal spray 50 mcg, 2 sprays each nostril once daily; continue cetirizine.
6. Advised keeping the cat out of the bedroom and using a HEPA filter.
7. Influenza vaccine is up to date; pneumococcal vaccination discussed.
8. If albuterol is needed more than twice a week after 4 weeks, consider switching to a combination ICS/LABA inhaler.

## Follow-up

Return in 4 weeks with peak flow diary. Seek urgent care for shortness of breath at rest or peak flow below 270 L/min.

*Signed: Miriam Castillo, MD, 2026-04-02*
"""

NOTE_HTN = """\
Fictional sample note for ragbox demo. Patient and clinicians are invented; no real patient data.

CLINIC: Maple Grove Internal Medicine
VISIT DATE: 2026-02-20
PATIENT: Robert Kline
DOB: 1962-03-30 (age 63)
MRN: RB-000331 (fictional)
PROVIDER: Dr. Naomi Feld, DO

CHIEF COMPLAINT: Elevated blood pressure at home.

SUBJECTIVE / HPI:
Mr. Kline is a 63-year-old man with essential hypertension diagnosed four years ago who presents for blood pressure follow-up. He currently takes lisinopril 20 mg once daily and reports good adherence using a weekly pill organizer. Home blood pressure log over the past two weeks shows morning readings averaging 148/92. He reports occasional morning headaches but denies chest pain, palpitations, shortness of breath, visual changes, or focal weakness. He eats restaurant lunches most workdays and estimates he adds salt to most meals. He drinks 2-3 beers on weekend evenings. He does not smoke. Sleep is about 6 hours per night; his wife reports loud snoring. No prior history of stroke or heart attack. Father had a myocardial infarction at age 66.

MEDICATIONS:
- Lisinopril 20 mg by mouth once daily
- Ibuprofen 400 mg by mouth as needed for back pain, about 3 times per week

ALLERGIES:
No known drug allergies.

OBJECTIVE:
Vitals: BP 152/94 (left arm, seated, after 5 minutes rest); repeat BP 150/92. HR 72, RR 14, Temp 36.6 C, SpO2 97%.
Weight 96.2 kg, BMI 30.4, waist circumference 104 cm.
General: Well appearing, no distress.
HEENT: Fundoscopic exam without hemorrhages or papilledema.
Neck: No thyromegaly, no carotid bruits.
Cardiovascular: Regular rate and rhythm, no murmurs, no S3 or S4.
Lungs: Clear.
Extremities: No edema, distal pulses intact.

Labs (2026-02-13):
- Sodium 140 mmol/L, potassium 4.3 mmol/L
- Creatinine 1.0 mg/dL, eGFR 81
- Fasting glucose 101 mg/dL
- Total cholesterol 214 mg/dL, LDL 138 mg/dL
- Urinalysis: no protein
ECG today: Normal sinus rhythm, no left ventricular hypertrophy.

ASSESSMENT:
1. Essential hypertension, uncontrolled on lisinopril 20 mg daily. Office BP 152/94 and home average 148/92 are above the goal of less than 130/80. Contributing factors include high dietary sodium, weekend alcohol use, regular NSAID use and possible obstructive sleep apnea.
2. Snoring and short sleep, concerning for obstructive sleep apnea.
3. Hyperlipidemia; 10-year ASCVD risk estimated at 14%.
4. Impaired fasting glucose.

PLAN:
1. Add amlodipine 5 mg by mouth once daily. Continue lisinopril 20 mg daily. Counseled on possible ankle swelling.
2. Stop regular ibuprofen; use acetaminophen 500-1000 mg as needed for back pain, maximum 3 g per day.
3. Limit sodium to less than 2 g per day; DASH diet handout given.
4. Limit alcohol to no more than 1 drink per day.
5. Home sleep apnea test ordered.
6. Start atorvastatin 20 mg nightly for primary prevention.
7. Continue home BP monitoring twice daily and bring the log to the next visit.
8. Repeat basic metabolic panel in 2 weeks.

FOLLOW-UP: Return in 4 weeks for blood pressure check.

Electronically signed: Naomi Feld, DO, 2026-02-20 15:08
"""

NOTE_KNEE = """\
# Post-operative Visit: Left Total Knee Arthroplasty

> Fictional sample note for ragbox demo. Patient and clinicians are invented; no real patient data.

- **Visit date:** 2026-03-27
- **Patient:** Linda Marsh, 68-year-old female
- **DOB:** 1957-09-12
- **MRN:** RB-000452 (fictional)
- **Clinic:** Summit Orthopedic Surgery
- **Surgeon:** Dr. Kevin Osei, MD
- **Procedure:** Left total knee arthroplasty on 2026-03-13 (post-op day 14)

## Subjective

Ms. Marsh returns two weeks after an uncomplicated left total knee arthroplasty for end-stage osteoarthritis. She reports knee pain of 4/10 at rest and 6/10 after physical therapy. She is taking oxycodone 5 mg about twice a day, mostly at night, along with scheduled acetaminophen. She walks with a front-wheeled walker around the house and has started using a cane for short distances. She attends outpatient physical therapy three times per week. She denies fever, chills, wound drainage, calf pain, chest pain or shortness of breath. Appetite and bowel function are normal while taking a stool softener.

## Medications

- Acetaminophen 1000 mg by mouth every 8 hours
- Oxycodone 5 mg by mouth every 6 hours as needed for severe pain
- Apixaban 2.5 mg by mouth twice daily (DVT prophylaxis, started post-op day 1)
- Docusate 100 mg by mouth twice daily
- Amlodipine 5 mg by mouth once daily

## Allergies

- Codeine (nausea and vomiting)

## Objective

- **Vitals:** BP 128/76, HR 80, Temp 36.9 C, SpO2 98%
- **Incision:** Midline incision well healed with no erythema, warmth or drainage. Staples intact.
- **Swelling:** Moderate knee effusion, mild soft tissue swelling to the mid-calf, calf soft and non-tender.
- **Range of motion:** Active flexion 95 degrees, extension lacks 5 degrees from full.
- **Neurovascular:** Sensation intact in the foot, dorsalis pedis and posterior tibial pulses 2+.
- **Gait:** Antalgic gait with walker, stable.
- **Imaging:** Left knee X-rays show well-positioned components with no loosening or fracture.

## Assessment

1. Status post left total knee arthroplasty, post-op day 14, recovering as expected.
2. Post-operative pain, improving, adequately controlled.
3. Range of motion on target for two weeks (goal 90 degrees of flexion); extension needs work.

## Plan

1. Staples removed today; steri-strips applied. May shower; no soaking in a bath or pool until 4 weeks after surgery.
2. Continue apixaban 2.5 mg twice daily to complete 35 days total (last dose on 2026-04-17).
3. Taper oxycodone over the next week and stop; continue acetaminophen 1000 mg every 8 hours.
4. Continue physical therapy three times per week with focus on full extension and quadriceps strengthening. Goal 110 degrees of flexion by 6 weeks.
5. Ice and elevation 20 minutes, 3-4 times daily.
6. Dental procedures: antibiotic prophylaxis discussed per surgeon preference.
7. Return precautions reviewed: fever over 38.3 C, wound drainage, calf pain or swelling, or sudden shortness of breath.

## Follow-up

Return at 6 weeks post-op (around 2026-04-24) with repeat X-rays.

*Signed: Kevin Osei, MD, 2026-03-27*
"""

NOTE_OTITIS = """\
Fictional sample note for ragbox demo. Patient and clinicians are invented; no real patient data.

CLINIC: Sunnybrook Pediatrics
VISIT DATE: 2026-01-09
PATIENT: Mia Tanaka
DOB: 2022-08-18 (age 3 years 4 months)
MRN: RB-000519 (fictional)
ACCOMPANIED BY: Mother
PROVIDER: Dr. Grace Ellison, MD (Pediatrics)

CHIEF COMPLAINT: Right ear pain and fever for 2 days.

SUBJECTIVE / HPI:
Mia is a 3-year-old girl brought in by her mother for right ear pain that began two days ago after a week of runny nose and cough. She has been pulling at her right ear, waking at night crying, and eating less than usual. Maximum temperature at home was 39.2 C last night, treated with ibuprofen. She is drinking fluids well and has had normal wet diapers and urination. No vomiting, diarrhea, rash, neck stiffness or ear discharge. She attends daycare. This is her first ear infection in the past 12 months; she had one episode of otitis media at age 18 months. Immunizations are up to date per the state registry, including pneumococcal conjugate vaccine. No antibiotic use in the past 30 days.

MEDICATIONS:
- Ibuprofen 100 mg/5 mL suspension, 7.5 mL (150 mg) by mouth every 6-8 hours as needed for fever or pain

ALLERGIES:
No known drug allergies.

OBJECTIVE:
Weight 15.0 kg (50th percentile).
Vitals: Temp 38.7 C, HR 128, RR 24, SpO2 99% on room air.
General: Fussy but consolable, well hydrated, nontoxic appearance.
Right ear: Tympanic membrane bulging, erythematous and opaque with decreased mobility on pneumatic otoscopy. No perforation or discharge.
Left ear: Tympanic membrane pearly gray with normal landmarks and mobility.
Nose: Clear rhinorrhea.
Throat: Mild pharyngeal erythema, no exudate, tonsils 1+.
Neck: Supple, small mobile anterior cervical lymph nodes.
Lungs: Clear bilaterally, no retractions.
Skin: No rash.

ASSESSMENT:
1. Acute otitis media, right ear, with bulging tympanic membrane and fever of 39.2 C. Given the severity of symptoms (fever 39 C or higher and significant otalgia), immediate antibiotic treatment is recommended rather than observation.
2. Viral upper respiratory infection.

PLAN:
1. High-dose amoxicillin at 80-90 mg/kg/day divided twice daily. For a weight of 15.0 kg this is about 1350 mg per day: amoxicillin 400 mg/5 mL suspension, 8.4 mL (672 mg) by mouth twice daily for 10 days.
2. Continue ibuprofen 150 mg (7.5 mL of 100 mg/5 mL) every 6-8 hours as needed for pain or fever; acetaminophen 160 mg/5 mL, 7 mL (224 mg) every 6 hours as needed may be alternated.
3. Encourage fluids and rest. May return to daycare after 24 hours without fever.
4. If no improvement within 48-72 hours, or symptoms worsen, return for re-evaluation; second-line therapy would be amoxicillin-clavulanate.
5. Discussed with mother that middle ear fluid may persist for several weeks after treatment.

FOLLOW-UP: Ear recheck in 3-4 weeks or sooner as needed. Mother verbalized understanding of dosing and return precautions.

Electronically signed: Grace Ellison, MD, 2026-01-09 10:15
"""

NOTES = {
    "2026-03-14_jane_doe_followup.txt": NOTE_JANE_DOE,
    "2026-04-02_john_roe_asthma.md": NOTE_JOHN_ROE,
    "2026-02-20_robert_kline_hypertension.txt": NOTE_HTN,
    "2026-03-27_linda_marsh_knee_postop.md": NOTE_KNEE,
    "2026-01-09_mia_tanaka_otitis_media.txt": NOTE_OTITIS,
}


def _check_ascii(name: str, text: str) -> None:
    bad = sorted({c for c in text if ord(c) > 127})
    if bad:
        raise ValueError(f"{name}: non-ASCII characters {bad!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="output directory (default: sample_docs/)")
    args = ap.parse_args()
    out: Path = args.out

    for blocks in (NDA_BLOCKS, MSA_BLOCKS):
        for _, text in blocks:
            if text:
                _check_ascii("contract", text)

    n = render_contract(NDA_BLOCKS, "Mutual NDA - Northwind Analytics Ltd. / Bluefin Robotics Inc.",
                        out / "contracts" / "mutual_nda_northwind_bluefin.pdf")
    print(f"contracts/mutual_nda_northwind_bluefin.pdf: {n} pages")
    n = render_contract(MSA_BLOCKS, "Master Services Agreement - Acme Legal Services LLC / Globex Corporation",
                        out / "contracts" / "services_agreement_acme_globex.pdf")
    print(f"contracts/services_agreement_acme_globex.pdf: {n} pages")

    notes_dir = out / "clinical_notes"
    notes_dir.mkdir(parents=True, exist_ok=True)
    for name, text in NOTES.items():
        _check_ascii(name, text)
        (notes_dir / name).write_text(text, encoding="ascii")
        print(f"clinical_notes/{name}: {len(text.split())} words")


if __name__ == "__main__":
    main()
