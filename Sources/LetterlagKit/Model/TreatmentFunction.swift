/// The names of the common treatment function codes of the NHS Data Dictionary, which an
/// extract's `specialty_code` holds (docs/product.md, "Codes"), kept here rather than fetched
/// so that a report reads the same offline; a code not listed has no name. docs/schema.md
/// ("Breakdowns") says where the list comes from.
public enum TreatmentFunction {
    /// The name of treatment function `code` (0–999), or nil when it is not a common one.
    public static func name(of code: Int) -> String? { names[code] }

    static let names: [Int: String] = [
        100: "General Surgery", 101: "Urology", 102: "Transplant Surgery", 103: "Breast Surgery",
        104: "Colorectal Surgery", 105: "Hepatobiliary and Pancreatic Surgery", 106: "Upper Gastrointestinal Surgery",
        107: "Vascular Surgery", 108: "Spinal Surgery Service", 110: "Trauma and Orthopaedic", 120: "Ear Nose and Throat",
        130: "Ophthalmology", 140: "Oral Surgery", 141: "Restorative Dentistry", 143: "Orthodontics",
        144: "Maxillofacial Surgery", 145: "Oral and Maxillofacial Surgery", 150: "Neurosurgical", 160: "Plastic Surgery",
        161: "Burns Care", 170: "Cardiothoracic Surgery", 171: "Paediatric Surgery", 172: "Cardiac Surgery",
        173: "Thoracic Surgery", 180: "Emergency Medicine", 190: "Anaesthetics", 191: "Pain Management",
        192: "Critical Care Medicine", 300: "General Internal Medicine", 301: "Gastroenterology", 302: "Endocrinology",
        303: "Clinical Haematology", 304: "Clinical Physiology", 305: "Clinical Pharmacology", 306: "Hepatology",
        307: "Diabetes", 308: "Blood and Marrow Transplantation", 309: "Haemophilia", 310: "Audio Vestibular Medicine",
        311: "Clinical Genetics", 314: "Rehabilitation", 315: "Palliative Medicine", 316: "Clinical Immunology",
        317: "Allergy", 318: "Intermediate Care", 319: "Respite Care", 320: "Cardiology", 321: "Paediatric Cardiology",
        322: "Clinical Microbiology", 323: "Spinal Injuries", 324: "Anticoagulant Service", 325: "Sport and Exercise Medicine",
        327: "Cardiac Rehabilitation", 328: "Stroke Medicine", 329: "Transient Ischaemic Attack", 330: "Dermatology",
        340: "Respiratory Medicine", 341: "Respiratory Physiology", 342: "Pulmonary Rehabilitation",
        343: "Adult Cystic Fibrosis", 350: "Infectious Diseases", 352: "Tropical Medicine", 360: "Genitourinary Medicine",
        361: "Renal Medicine", 370: "Medical Oncology", 371: "Nuclear Medicine", 400: "Neurology",
        401: "Clinical Neurophysiology", 410: "Rheumatology", 420: "Paediatrics", 421: "Paediatric Neurology",
        422: "Neonatology", 424: "Well Baby", 430: "Elderly Medicine", 450: "Dental Medicine", 460: "Medical Ophthalmology",
        501: "Obstetrics", 502: "Gynaecology", 503: "Gynaecological Oncology", 560: "Midwifery",
        650: "Physiotherapy", 651: "Occupational Therapy", 652: "Speech and Language Therapy", 653: "Podiatry",
        654: "Dietetics", 655: "Orthoptics", 656: "Clinical Psychology", 657: "Prosthetics", 658: "Orthotics",
        700: "Learning Disability", 710: "Adult Mental Illness", 711: "Child and Adolescent Psychiatry",
        712: "Forensic Psychiatry", 713: "Psychotherapy", 715: "Old Age Psychiatry", 800: "Clinical Oncology",
        810: "Radiology", 811: "Interventional Radiology", 812: "Diagnostic Imaging", 822: "Chemical Pathology",
    ]
}
